/* lastzero-4: lastzero(4) from Abdulla et al. (Optimal DPOR): array[0..4] of zeros; thread 0 scans down from array[4] for the last zero; thread j (1..4) sets array[j] = array[j-1] + 1. */
byte array[5];
bit done[5];

proctype scanner(byte id) {
  byte i = 4;
  do
  :: d_step { array[i] != 0 -> i-- }
  :: d_step { array[i] == 0 -> i = 0; done[id] = 1 }; break
  od
}

proctype writer(byte id) {
  byte tmp;
  tmp = array[id - 1];
  d_step { array[id] = tmp + 1; tmp = 0; done[id] = 1 }
}

init {
  run scanner(0);
  run writer(1);
  run writer(2);
  run writer(3);
  run writer(4);
  done[0];
  done[1];
  done[2];
  done[3];
  done[4];
}
