/* counter-lock-2x2: 2 threads each add 1 to a shared counter 2 times under a Lock. */
byte counter = 0;
bit lock = 0;
bit done[2];

proctype work(byte id) {
  byte tmp;
  atomic { lock == 0 -> lock = 1 };
  tmp = counter;
  d_step { counter = tmp + 1; tmp = 0 };
  lock = 0;
  atomic { lock == 0 -> lock = 1 };
  tmp = counter;
  d_step { counter = tmp + 1; tmp = 0 };
  d_step { lock = 0; done[id] = 1 };
}

init {
  run work(0);
  run work(1);
  done[0];
  done[1];
  d_step { assert(counter == 4); }
}
