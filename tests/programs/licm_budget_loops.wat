;; Loops with more invariants than LICM moves into one preheader (licm::HOIST_BUDGET = 48):
;; 70 exits each testing its own constant, a 70-way dispatch loop with a constant per case,
;; and bench/stress.py's memory_loop at 80 accesses (rebased symbol addresses).
;; @args loop_exits (0,) (999,) (1004,) (24,) (-1002,) (955,) (0x7fffffff,)
;; @args dispatch_loop (0,) (1,) (7,) (69,) (70,) (71,) (500,) (-1,)
;; @args memory_loop (1,) (2,) (9,)
(module
  (memory 1)
  (func (export "loop_exits") (param i32) (result i32) (local i32 i32)
local.get 0 local.set 1
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
i32.const 10 local.set 2
loop
local.get 1 i32.const 1 i32.add local.set 1 local.get 1 i32.const 1000 i32.eq br_if 70
local.get 1 i32.const 2 i32.add local.set 1 local.get 1 i32.const 1007 i32.eq br_if 69
local.get 1 i32.const 3 i32.add local.set 1 local.get 1 i32.const 1014 i32.eq br_if 68
local.get 1 i32.const 4 i32.add local.set 1 local.get 1 i32.const 1021 i32.eq br_if 67
local.get 1 i32.const 5 i32.add local.set 1 local.get 1 i32.const 1028 i32.eq br_if 66
local.get 1 i32.const 6 i32.add local.set 1 local.get 1 i32.const 1035 i32.eq br_if 65
local.get 1 i32.const 7 i32.add local.set 1 local.get 1 i32.const 1042 i32.eq br_if 64
local.get 1 i32.const 8 i32.add local.set 1 local.get 1 i32.const 1049 i32.eq br_if 63
local.get 1 i32.const 9 i32.add local.set 1 local.get 1 i32.const 1056 i32.eq br_if 62
local.get 1 i32.const 10 i32.add local.set 1 local.get 1 i32.const 1063 i32.eq br_if 61
local.get 1 i32.const 11 i32.add local.set 1 local.get 1 i32.const 1070 i32.eq br_if 60
local.get 1 i32.const 12 i32.add local.set 1 local.get 1 i32.const 1077 i32.eq br_if 59
local.get 1 i32.const 13 i32.add local.set 1 local.get 1 i32.const 1084 i32.eq br_if 58
local.get 1 i32.const 14 i32.add local.set 1 local.get 1 i32.const 1091 i32.eq br_if 57
local.get 1 i32.const 15 i32.add local.set 1 local.get 1 i32.const 1098 i32.eq br_if 56
local.get 1 i32.const 16 i32.add local.set 1 local.get 1 i32.const 1105 i32.eq br_if 55
local.get 1 i32.const 17 i32.add local.set 1 local.get 1 i32.const 1112 i32.eq br_if 54
local.get 1 i32.const 18 i32.add local.set 1 local.get 1 i32.const 1119 i32.eq br_if 53
local.get 1 i32.const 19 i32.add local.set 1 local.get 1 i32.const 1126 i32.eq br_if 52
local.get 1 i32.const 20 i32.add local.set 1 local.get 1 i32.const 1133 i32.eq br_if 51
local.get 1 i32.const 21 i32.add local.set 1 local.get 1 i32.const 1140 i32.eq br_if 50
local.get 1 i32.const 22 i32.add local.set 1 local.get 1 i32.const 1147 i32.eq br_if 49
local.get 1 i32.const 23 i32.add local.set 1 local.get 1 i32.const 1154 i32.eq br_if 48
local.get 1 i32.const 24 i32.add local.set 1 local.get 1 i32.const 1161 i32.eq br_if 47
local.get 1 i32.const 25 i32.add local.set 1 local.get 1 i32.const 1168 i32.eq br_if 46
local.get 1 i32.const 26 i32.add local.set 1 local.get 1 i32.const 1175 i32.eq br_if 45
local.get 1 i32.const 27 i32.add local.set 1 local.get 1 i32.const 1182 i32.eq br_if 44
local.get 1 i32.const 28 i32.add local.set 1 local.get 1 i32.const 1189 i32.eq br_if 43
local.get 1 i32.const 29 i32.add local.set 1 local.get 1 i32.const 1196 i32.eq br_if 42
local.get 1 i32.const 30 i32.add local.set 1 local.get 1 i32.const 1203 i32.eq br_if 41
local.get 1 i32.const 31 i32.add local.set 1 local.get 1 i32.const 1210 i32.eq br_if 40
local.get 1 i32.const 32 i32.add local.set 1 local.get 1 i32.const 1217 i32.eq br_if 39
local.get 1 i32.const 33 i32.add local.set 1 local.get 1 i32.const 1224 i32.eq br_if 38
local.get 1 i32.const 34 i32.add local.set 1 local.get 1 i32.const 1231 i32.eq br_if 37
local.get 1 i32.const 35 i32.add local.set 1 local.get 1 i32.const 1238 i32.eq br_if 36
local.get 1 i32.const 36 i32.add local.set 1 local.get 1 i32.const 1245 i32.eq br_if 35
local.get 1 i32.const 37 i32.add local.set 1 local.get 1 i32.const 1252 i32.eq br_if 34
local.get 1 i32.const 38 i32.add local.set 1 local.get 1 i32.const 1259 i32.eq br_if 33
local.get 1 i32.const 39 i32.add local.set 1 local.get 1 i32.const 1266 i32.eq br_if 32
local.get 1 i32.const 40 i32.add local.set 1 local.get 1 i32.const 1273 i32.eq br_if 31
local.get 1 i32.const 41 i32.add local.set 1 local.get 1 i32.const 1280 i32.eq br_if 30
local.get 1 i32.const 42 i32.add local.set 1 local.get 1 i32.const 1287 i32.eq br_if 29
local.get 1 i32.const 43 i32.add local.set 1 local.get 1 i32.const 1294 i32.eq br_if 28
local.get 1 i32.const 44 i32.add local.set 1 local.get 1 i32.const 1301 i32.eq br_if 27
local.get 1 i32.const 45 i32.add local.set 1 local.get 1 i32.const 1308 i32.eq br_if 26
local.get 1 i32.const 46 i32.add local.set 1 local.get 1 i32.const 1315 i32.eq br_if 25
local.get 1 i32.const 47 i32.add local.set 1 local.get 1 i32.const 1322 i32.eq br_if 24
local.get 1 i32.const 48 i32.add local.set 1 local.get 1 i32.const 1329 i32.eq br_if 23
local.get 1 i32.const 49 i32.add local.set 1 local.get 1 i32.const 1336 i32.eq br_if 22
local.get 1 i32.const 50 i32.add local.set 1 local.get 1 i32.const 1343 i32.eq br_if 21
local.get 1 i32.const 51 i32.add local.set 1 local.get 1 i32.const 1350 i32.eq br_if 20
local.get 1 i32.const 52 i32.add local.set 1 local.get 1 i32.const 1357 i32.eq br_if 19
local.get 1 i32.const 53 i32.add local.set 1 local.get 1 i32.const 1364 i32.eq br_if 18
local.get 1 i32.const 54 i32.add local.set 1 local.get 1 i32.const 1371 i32.eq br_if 17
local.get 1 i32.const 55 i32.add local.set 1 local.get 1 i32.const 1378 i32.eq br_if 16
local.get 1 i32.const 56 i32.add local.set 1 local.get 1 i32.const 1385 i32.eq br_if 15
local.get 1 i32.const 57 i32.add local.set 1 local.get 1 i32.const 1392 i32.eq br_if 14
local.get 1 i32.const 58 i32.add local.set 1 local.get 1 i32.const 1399 i32.eq br_if 13
local.get 1 i32.const 59 i32.add local.set 1 local.get 1 i32.const 1406 i32.eq br_if 12
local.get 1 i32.const 60 i32.add local.set 1 local.get 1 i32.const 1413 i32.eq br_if 11
local.get 1 i32.const 61 i32.add local.set 1 local.get 1 i32.const 1420 i32.eq br_if 10
local.get 1 i32.const 62 i32.add local.set 1 local.get 1 i32.const 1427 i32.eq br_if 9
local.get 1 i32.const 63 i32.add local.set 1 local.get 1 i32.const 1434 i32.eq br_if 8
local.get 1 i32.const 64 i32.add local.set 1 local.get 1 i32.const 1441 i32.eq br_if 7
local.get 1 i32.const 65 i32.add local.set 1 local.get 1 i32.const 1448 i32.eq br_if 6
local.get 1 i32.const 66 i32.add local.set 1 local.get 1 i32.const 1455 i32.eq br_if 5
local.get 1 i32.const 67 i32.add local.set 1 local.get 1 i32.const 1462 i32.eq br_if 4
local.get 1 i32.const 68 i32.add local.set 1 local.get 1 i32.const 1469 i32.eq br_if 3
local.get 1 i32.const 69 i32.add local.set 1 local.get 1 i32.const 1476 i32.eq br_if 2
local.get 1 i32.const 70 i32.add local.set 1 local.get 1 i32.const 1483 i32.eq br_if 1
local.get 2 i32.const 1 i32.sub local.tee 2 br_if 0 end
end local.get 1 i32.const 100 i32.add local.set 1
end local.get 1 i32.const 101 i32.add local.set 1
end local.get 1 i32.const 102 i32.add local.set 1
end local.get 1 i32.const 103 i32.add local.set 1
end local.get 1 i32.const 104 i32.add local.set 1
end local.get 1 i32.const 105 i32.add local.set 1
end local.get 1 i32.const 106 i32.add local.set 1
end local.get 1 i32.const 107 i32.add local.set 1
end local.get 1 i32.const 108 i32.add local.set 1
end local.get 1 i32.const 109 i32.add local.set 1
end local.get 1 i32.const 110 i32.add local.set 1
end local.get 1 i32.const 111 i32.add local.set 1
end local.get 1 i32.const 112 i32.add local.set 1
end local.get 1 i32.const 113 i32.add local.set 1
end local.get 1 i32.const 114 i32.add local.set 1
end local.get 1 i32.const 115 i32.add local.set 1
end local.get 1 i32.const 116 i32.add local.set 1
end local.get 1 i32.const 117 i32.add local.set 1
end local.get 1 i32.const 118 i32.add local.set 1
end local.get 1 i32.const 119 i32.add local.set 1
end local.get 1 i32.const 120 i32.add local.set 1
end local.get 1 i32.const 121 i32.add local.set 1
end local.get 1 i32.const 122 i32.add local.set 1
end local.get 1 i32.const 123 i32.add local.set 1
end local.get 1 i32.const 124 i32.add local.set 1
end local.get 1 i32.const 125 i32.add local.set 1
end local.get 1 i32.const 126 i32.add local.set 1
end local.get 1 i32.const 127 i32.add local.set 1
end local.get 1 i32.const 128 i32.add local.set 1
end local.get 1 i32.const 129 i32.add local.set 1
end local.get 1 i32.const 130 i32.add local.set 1
end local.get 1 i32.const 131 i32.add local.set 1
end local.get 1 i32.const 132 i32.add local.set 1
end local.get 1 i32.const 133 i32.add local.set 1
end local.get 1 i32.const 134 i32.add local.set 1
end local.get 1 i32.const 135 i32.add local.set 1
end local.get 1 i32.const 136 i32.add local.set 1
end local.get 1 i32.const 137 i32.add local.set 1
end local.get 1 i32.const 138 i32.add local.set 1
end local.get 1 i32.const 139 i32.add local.set 1
end local.get 1 i32.const 140 i32.add local.set 1
end local.get 1 i32.const 141 i32.add local.set 1
end local.get 1 i32.const 142 i32.add local.set 1
end local.get 1 i32.const 143 i32.add local.set 1
end local.get 1 i32.const 144 i32.add local.set 1
end local.get 1 i32.const 145 i32.add local.set 1
end local.get 1 i32.const 146 i32.add local.set 1
end local.get 1 i32.const 147 i32.add local.set 1
end local.get 1 i32.const 148 i32.add local.set 1
end local.get 1 i32.const 149 i32.add local.set 1
end local.get 1 i32.const 150 i32.add local.set 1
end local.get 1 i32.const 151 i32.add local.set 1
end local.get 1 i32.const 152 i32.add local.set 1
end local.get 1 i32.const 153 i32.add local.set 1
end local.get 1 i32.const 154 i32.add local.set 1
end local.get 1 i32.const 155 i32.add local.set 1
end local.get 1 i32.const 156 i32.add local.set 1
end local.get 1 i32.const 157 i32.add local.set 1
end local.get 1 i32.const 158 i32.add local.set 1
end local.get 1 i32.const 159 i32.add local.set 1
end local.get 1 i32.const 160 i32.add local.set 1
end local.get 1 i32.const 161 i32.add local.set 1
end local.get 1 i32.const 162 i32.add local.set 1
end local.get 1 i32.const 163 i32.add local.set 1
end local.get 1 i32.const 164 i32.add local.set 1
end local.get 1 i32.const 165 i32.add local.set 1
end local.get 1 i32.const 166 i32.add local.set 1
end local.get 1 i32.const 167 i32.add local.set 1
end local.get 1 i32.const 168 i32.add local.set 1
end local.get 1 i32.const 169 i32.add local.set 1
local.get 1
  )
  (func (export "dispatch_loop") (param i32) (result i32) (local i32 i32)
i32.const 12 local.set 2
loop
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
block
local.get 0 local.get 2 i32.add i32.const 70 i32.rem_u br_table 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63 64 65 66 67 68 69 70
end local.get 1 i32.const 1 i32.add i32.const 5000 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 69
end local.get 1 i32.const 4 i32.add i32.const 5001 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 68
end local.get 1 i32.const 7 i32.add i32.const 5002 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 67
end local.get 1 i32.const 10 i32.add i32.const 5003 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 66
end local.get 1 i32.const 13 i32.add i32.const 5004 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 65
end local.get 1 i32.const 16 i32.add i32.const 5005 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 64
end local.get 1 i32.const 19 i32.add i32.const 5006 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 63
end local.get 1 i32.const 22 i32.add i32.const 5007 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 62
end local.get 1 i32.const 25 i32.add i32.const 5008 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 61
end local.get 1 i32.const 28 i32.add i32.const 5009 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 60
end local.get 1 i32.const 31 i32.add i32.const 5010 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 59
end local.get 1 i32.const 34 i32.add i32.const 5011 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 58
end local.get 1 i32.const 37 i32.add i32.const 5012 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 57
end local.get 1 i32.const 40 i32.add i32.const 5013 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 56
end local.get 1 i32.const 43 i32.add i32.const 5014 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 55
end local.get 1 i32.const 46 i32.add i32.const 5015 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 54
end local.get 1 i32.const 49 i32.add i32.const 5016 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 53
end local.get 1 i32.const 52 i32.add i32.const 5017 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 52
end local.get 1 i32.const 55 i32.add i32.const 5018 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 51
end local.get 1 i32.const 58 i32.add i32.const 5019 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 50
end local.get 1 i32.const 61 i32.add i32.const 5020 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 49
end local.get 1 i32.const 64 i32.add i32.const 5021 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 48
end local.get 1 i32.const 67 i32.add i32.const 5022 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 47
end local.get 1 i32.const 70 i32.add i32.const 5023 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 46
end local.get 1 i32.const 73 i32.add i32.const 5024 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 45
end local.get 1 i32.const 76 i32.add i32.const 5025 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 44
end local.get 1 i32.const 79 i32.add i32.const 5026 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 43
end local.get 1 i32.const 82 i32.add i32.const 5027 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 42
end local.get 1 i32.const 85 i32.add i32.const 5028 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 41
end local.get 1 i32.const 88 i32.add i32.const 5029 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 40
end local.get 1 i32.const 91 i32.add i32.const 5030 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 39
end local.get 1 i32.const 94 i32.add i32.const 5031 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 38
end local.get 1 i32.const 97 i32.add i32.const 5032 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 37
end local.get 1 i32.const 100 i32.add i32.const 5033 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 36
end local.get 1 i32.const 103 i32.add i32.const 5034 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 35
end local.get 1 i32.const 106 i32.add i32.const 5035 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 34
end local.get 1 i32.const 109 i32.add i32.const 5036 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 33
end local.get 1 i32.const 112 i32.add i32.const 5037 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 32
end local.get 1 i32.const 115 i32.add i32.const 5038 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 31
end local.get 1 i32.const 118 i32.add i32.const 5039 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 30
end local.get 1 i32.const 121 i32.add i32.const 5040 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 29
end local.get 1 i32.const 124 i32.add i32.const 5041 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 28
end local.get 1 i32.const 127 i32.add i32.const 5042 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 27
end local.get 1 i32.const 130 i32.add i32.const 5043 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 26
end local.get 1 i32.const 133 i32.add i32.const 5044 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 25
end local.get 1 i32.const 136 i32.add i32.const 5045 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 24
end local.get 1 i32.const 139 i32.add i32.const 5046 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 23
end local.get 1 i32.const 142 i32.add i32.const 5047 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 22
end local.get 1 i32.const 145 i32.add i32.const 5048 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 21
end local.get 1 i32.const 148 i32.add i32.const 5049 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 20
end local.get 1 i32.const 151 i32.add i32.const 5050 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 19
end local.get 1 i32.const 154 i32.add i32.const 5051 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 18
end local.get 1 i32.const 157 i32.add i32.const 5052 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 17
end local.get 1 i32.const 160 i32.add i32.const 5053 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 16
end local.get 1 i32.const 163 i32.add i32.const 5054 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 15
end local.get 1 i32.const 166 i32.add i32.const 5055 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 14
end local.get 1 i32.const 169 i32.add i32.const 5056 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 13
end local.get 1 i32.const 172 i32.add i32.const 5057 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 12
end local.get 1 i32.const 175 i32.add i32.const 5058 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 11
end local.get 1 i32.const 178 i32.add i32.const 5059 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 10
end local.get 1 i32.const 181 i32.add i32.const 5060 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 9
end local.get 1 i32.const 184 i32.add i32.const 5061 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 8
end local.get 1 i32.const 187 i32.add i32.const 5062 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 7
end local.get 1 i32.const 190 i32.add i32.const 5063 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 6
end local.get 1 i32.const 193 i32.add i32.const 5064 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 5
end local.get 1 i32.const 196 i32.add i32.const 5065 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 4
end local.get 1 i32.const 199 i32.add i32.const 5066 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 3
end local.get 1 i32.const 202 i32.add i32.const 5067 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 2
end local.get 1 i32.const 205 i32.add i32.const 5068 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 1
end local.get 1 i32.const 208 i32.add i32.const 5069 i32.xor local.set 1 local.get 2 i32.const 1 i32.sub local.tee 2 i32.const 0 i32.gt_s br_if 0
end local.get 1
  )
  (func (export "memory_loop") (param i32) (result i32) (local i32 i32)
loop
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=240 local.get 2 i32.add i32.store offset=212 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=112 local.get 2 i32.add i32.store offset=24 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=80 local.get 2 i32.add i32.store offset=12 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=96 local.get 2 i32.add i32.store offset=108 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=28 local.get 2 i32.add i32.store offset=212 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=52 local.get 2 i32.add i32.store offset=100 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=4 local.get 2 i32.add i32.store offset=28 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=28 local.get 2 i32.add i32.store offset=116 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=184 local.get 2 i32.add i32.store offset=208 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=68 local.get 2 i32.add i32.store offset=8 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=228 local.get 2 i32.add i32.store offset=228 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=228 local.get 2 i32.add i32.store offset=148 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=60 local.get 2 i32.add i32.store offset=72 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=36 local.get 2 i32.add i32.store offset=140 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=112 local.get 2 i32.add i32.store offset=232 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=52 local.get 2 i32.add i32.store offset=84 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=48 local.get 2 i32.add i32.store offset=184 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=76 local.get 2 i32.add i32.store offset=104 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=40 local.get 2 i32.add i32.store offset=168 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=148 local.get 2 i32.add i32.store offset=48 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=12 local.get 2 i32.add i32.store offset=168 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=64 local.get 2 i32.add i32.store offset=36 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=140 local.get 2 i32.add i32.store offset=168 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=128 local.get 2 i32.add i32.store offset=168 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=88 local.get 2 i32.add i32.store offset=148 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=132 local.get 2 i32.add i32.store offset=56 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=32 local.get 2 i32.add i32.store offset=96 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=120 local.get 2 i32.add i32.store offset=60 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=144 local.get 2 i32.add i32.store offset=248 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=144 local.get 2 i32.add i32.store offset=40 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=92 local.get 2 i32.add i32.store offset=84 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=252 local.get 2 i32.add i32.store offset=108 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=48 local.get 2 i32.add i32.store offset=92 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=232 local.get 2 i32.add i32.store offset=120 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=196 local.get 2 i32.add i32.store offset=4 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=140 local.get 2 i32.add i32.store offset=184 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=192 local.get 2 i32.add i32.store offset=60 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=16 local.get 2 i32.add i32.store offset=160 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=216 local.get 2 i32.add i32.store offset=240 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=168 local.get 2 i32.add i32.store offset=160 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=184 local.get 2 i32.add i32.store offset=24 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=128 local.get 2 i32.add i32.store offset=40 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=24 local.get 2 i32.add i32.store offset=156 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=204 local.get 2 i32.add i32.store offset=164 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=160 local.get 2 i32.add i32.store offset=108 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=188 local.get 2 i32.add i32.store offset=136 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=4 local.get 2 i32.add i32.store offset=128 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=128 local.get 2 i32.add i32.store offset=68 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=244 local.get 2 i32.add i32.store offset=192 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=72 local.get 2 i32.add i32.store offset=72 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=28 local.get 2 i32.add i32.store offset=32 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=64 local.get 2 i32.add i32.store offset=0 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=48 local.get 2 i32.add i32.store offset=144 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=156 local.get 2 i32.add i32.store offset=224 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=224 local.get 2 i32.add i32.store offset=252 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=140 local.get 2 i32.add i32.store offset=88 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=220 local.get 2 i32.add i32.store offset=88 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=60 local.get 2 i32.add i32.store offset=216 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=208 local.get 2 i32.add i32.store offset=148 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=228 local.get 2 i32.add i32.store offset=204 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=112 local.get 2 i32.add i32.store offset=160 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=172 local.get 2 i32.add i32.store offset=168 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=108 local.get 2 i32.add i32.store offset=108 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=200 local.get 2 i32.add i32.store offset=220 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=116 local.get 2 i32.add i32.store offset=228 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=100 local.get 2 i32.add i32.store offset=216 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=52 local.get 2 i32.add i32.store offset=252 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=180 local.get 2 i32.add i32.store offset=8 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=100 local.get 2 i32.add i32.store offset=164 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=232 local.get 2 i32.add i32.store offset=224 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=172 local.get 2 i32.add i32.store offset=200 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=48 local.get 2 i32.add i32.store offset=208 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=188 local.get 2 i32.add i32.store offset=92 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=188 local.get 2 i32.add i32.store offset=72 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=76 local.get 2 i32.add i32.store offset=80 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=184 local.get 2 i32.add i32.store offset=180 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=4 local.get 2 i32.add i32.store offset=148 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=88 local.get 2 i32.add i32.store offset=136 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=152 local.get 2 i32.add i32.store offset=24 local.get 1 i32.const 4 i32.add local.set 1
local.get 1 i32.const 1020 i32.and local.get 1 i32.load offset=204 local.get 2 i32.add i32.store offset=52 local.get 1 i32.const 4 i32.add local.set 1
local.get 0 i32.const 1 i32.sub local.tee 0 br_if 0 end local.get 1
  )
)
