/* workers-lock-3x3: 3 identical workers each add 1 to a shared counter 3 times under a Lock, started without keeping their handles (symmetry reduction applies). */
byte counter = 0;
bit lock = 0;
bit done[3];

proctype work(byte id) {
  byte tmp;
  atomic { lock == 0 -> lock = 1 };
  tmp = counter;
  d_step { counter = tmp + 1; tmp = 0 };
  lock = 0;
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
  run work(2);
  (done[0] && done[1] && done[2]);
  d_step { assert(counter == 9); }
}
