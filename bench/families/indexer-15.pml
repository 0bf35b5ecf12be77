/* indexer-15: indexer(15) from Flanagan & Godefroid (DPOR, POPL 2005): 15 threads each insert 4 messages w = 11*m + tid into a hash table of size 128 at h = 7*w % 128, probing linearly on collision. The compare-and-set is one atomic step: `table.setdefault(h, w)` on a dict (one container call, atomic under the GIL; an absent key plays the role of 0). */
#define SIZE 128
byte table[SIZE];
bit done[15];

proctype worker(byte id) {
  byte m = 1; byte w; byte h;
  d_step { w = m * 11 + id; h = (w * 7) % SIZE }
  do
  /* CAS(table[h], 0, w): one atomic step; local work folded in */
  :: d_step { table[h] != 0 -> h = (h + 1) % SIZE }
  :: d_step { table[h] == 0 && m < 4 -> table[h] = w; m++; w = m * 11 + id; h = (w * 7) % SIZE }
  :: d_step { table[h] == 0 && m == 4 -> table[h] = w; m = 0; w = 0; h = 0; done[id] = 1 }; break
  od
}

init {
  run worker(0);
  run worker(1);
  run worker(2);
  run worker(3);
  run worker(4);
  run worker(5);
  run worker(6);
  run worker(7);
  run worker(8);
  run worker(9);
  run worker(10);
  run worker(11);
  run worker(12);
  run worker(13);
  run worker(14);
  done[0];
  done[1];
  done[2];
  done[3];
  done[4];
  done[5];
  done[6];
  done[7];
  done[8];
  done[9];
  done[10];
  done[11];
  done[12];
  done[13];
  done[14];
  d_step { assert(((table[0] != 0) + (table[1] != 0) + (table[2] != 0) + (table[3] != 0) + (table[4] != 0) + (table[5] != 0) + (table[6] != 0) + (table[7] != 0) + (table[8] != 0) + (table[9] != 0) + (table[10] != 0) + (table[11] != 0) + (table[12] != 0) + (table[13] != 0) + (table[14] != 0) + (table[15] != 0) + (table[16] != 0) + (table[17] != 0) + (table[18] != 0) + (table[19] != 0) + (table[20] != 0) + (table[21] != 0) + (table[22] != 0) + (table[23] != 0) + (table[24] != 0) + (table[25] != 0) + (table[26] != 0) + (table[27] != 0) + (table[28] != 0) + (table[29] != 0) + (table[30] != 0) + (table[31] != 0) + (table[32] != 0) + (table[33] != 0) + (table[34] != 0) + (table[35] != 0) + (table[36] != 0) + (table[37] != 0) + (table[38] != 0) + (table[39] != 0) + (table[40] != 0) + (table[41] != 0) + (table[42] != 0) + (table[43] != 0) + (table[44] != 0) + (table[45] != 0) + (table[46] != 0) + (table[47] != 0) + (table[48] != 0) + (table[49] != 0) + (table[50] != 0) + (table[51] != 0) + (table[52] != 0) + (table[53] != 0) + (table[54] != 0) + (table[55] != 0) + (table[56] != 0) + (table[57] != 0) + (table[58] != 0) + (table[59] != 0) + (table[60] != 0) + (table[61] != 0) + (table[62] != 0) + (table[63] != 0) + (table[64] != 0) + (table[65] != 0) + (table[66] != 0) + (table[67] != 0) + (table[68] != 0) + (table[69] != 0) + (table[70] != 0) + (table[71] != 0) + (table[72] != 0) + (table[73] != 0) + (table[74] != 0) + (table[75] != 0) + (table[76] != 0) + (table[77] != 0) + (table[78] != 0) + (table[79] != 0) + (table[80] != 0) + (table[81] != 0) + (table[82] != 0) + (table[83] != 0) + (table[84] != 0) + (table[85] != 0) + (table[86] != 0) + (table[87] != 0) + (table[88] != 0) + (table[89] != 0) + (table[90] != 0) + (table[91] != 0) + (table[92] != 0) + (table[93] != 0) + (table[94] != 0) + (table[95] != 0) + (table[96] != 0) + (table[97] != 0) + (table[98] != 0) + (table[99] != 0) + (table[100] != 0) + (table[101] != 0) + (table[102] != 0) + (table[103] != 0) + (table[104] != 0) + (table[105] != 0) + (table[106] != 0) + (table[107] != 0) + (table[108] != 0) + (table[109] != 0) + (table[110] != 0) + (table[111] != 0) + (table[112] != 0) + (table[113] != 0) + (table[114] != 0) + (table[115] != 0) + (table[116] != 0) + (table[117] != 0) + (table[118] != 0) + (table[119] != 0) + (table[120] != 0) + (table[121] != 0) + (table[122] != 0) + (table[123] != 0) + (table[124] != 0) + (table[125] != 0) + (table[126] != 0) + (table[127] != 0)) == 60); }
}
