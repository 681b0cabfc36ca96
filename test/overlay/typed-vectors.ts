// Bytes packed by py-ipv8 3.2's default serializer (recorded facts, not code). `everything` is a
// @dataclass(msg_id=42) with one field of each type (int, bool, float, bytes, str, B, H, I, Q, l,
// 20s, ip_address, List[int], List[bool], List[float], a nested dataclass and a list of them);
// `fixed` is @dataclass(msg_id=7) name: str, count: int with fix_pack_name = upper().
export const PY_IPV8_DATACLASS = {
  everything:
    'fffffffffffffffb013ff8000000000000000200ff000668c3a96c6c6fc8fde8ee6b2800fffffffffffffffffffffff9000102030405060708090a0b0c0d0e0f10111213010a0102031f9a03000100000000000000feffffffffffffff0300000000000000020001000100000000000000d03f00090000000000000009000200090000000000000001010009000000000000000200',
  fixed: '00054d495845440000000000000003',
} as const;
