/* readers-2: readers(2) from the DPOR literature: 2 readers and one writer of one variable x, unsynchronised. */
byte x = 0;
bit done[3];

proctype writer(byte id) {
  d_step { x = 1; done[id] = 1 }
}

proctype reader(byte id) {
  byte v;
  d_step { v = x; v = 0; done[id] = 1 }
}

init {
  run writer(0);
  run reader(1);
  run reader(2);
  done[0];
  done[1];
  done[2];
}
