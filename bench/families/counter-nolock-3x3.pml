/* counter-nolock-3x3: 3 threads each add 1 to a shared counter 3 times with no lock (lost updates). */
byte counter = 0;
bit done[3];

proctype work(byte id) {
  byte tmp;
  tmp = counter;
  d_step { counter = tmp + 1; tmp = 0 };
  tmp = counter;
  d_step { counter = tmp + 1; tmp = 0 };
  tmp = counter;
  d_step { counter = tmp + 1; tmp = 0; done[id] = 1 };
}

init {
  run work(0);
  run work(1);
  run work(2);
  done[0];
  done[1];
  done[2];
  d_step { assert(counter == 9); }
}
