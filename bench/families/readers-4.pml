/* readers-4: readers(4) from the DPOR literature: 4 readers and one writer of one variable x, unsynchronised. */
byte x = 0;
bit done[5];

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
  run reader(3);
  run reader(4);
  done[0];
  done[1];
  done[2];
  done[3];
  done[4];
}
