/* philosophers-ordered-3: 3 dining philosophers, each taking the lower-numbered fork first: no cycle. */
bit fork[3];
bit ate[3];
bit done[3];

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
  run philosopher(2, 0, 2);
  done[0];
  done[1];
  done[2];
  d_step { assert((ate[0] + ate[1] + ate[2]) == 3); }
}
