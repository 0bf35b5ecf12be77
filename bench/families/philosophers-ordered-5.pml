/* philosophers-ordered-5: 5 dining philosophers, each taking the lower-numbered fork first: no cycle. */
bit fork[5];
bit ate[5];
bit done[5];

proctype philosopher(byte id; byte first; byte second) {
  atomic { fork[first] == 0 -> fork[first] = 1 };
  atomic { fork[second] == 0 -> fork[second] = 1 };
  ate[id] = 1;
  fork[second] = 0;
  d_step { fork[first] = 0; done[id] = 1 }
}

init {
  run philosopher(0, 0, 1);
  run philosopher(1, 1, 2);
  run philosopher(2, 2, 3);
  run philosopher(3, 3, 4);
  run philosopher(4, 0, 4);
  done[0];
  done[1];
  done[2];
  done[3];
  done[4];
  d_step { assert((ate[0] + ate[1] + ate[2] + ate[3] + ate[4]) == 5); }
}
