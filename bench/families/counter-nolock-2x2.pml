/* counter-nolock-2x2: 2 threads each add 1 to a shared counter 2 times with no lock (lost updates). */
byte counter = 0;
bit done[2];

proctype work(byte id) {
  byte tmp;
  tmp = counter;
  d_step { counter = tmp + 1; tmp = 0 };
  tmp = counter;
  d_step { counter = tmp + 1; tmp = 0; done[id] = 1 };
}

init {
  run work(0);
  run work(1);
  done[0];
  done[1];
  d_step { assert(counter == 4); }
}
