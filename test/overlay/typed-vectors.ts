// Bytes packed by py-ipv8 3.2's default serializer (recorded facts, not code). `everything` is a
// @dataclass(msg_id=42) with one field of each type (int, bool, float, bytes, str, B, H, I, Q, l,
// 20s, ip_address, List[int], List[bool], List[float], a nested dataclass and a list of them);
// `fixed` is @dataclass(msg_id=7) name: str, count: int with fix_pack_name = upper().
export const PY_IPV8_DATACLASS = {
  everything:
    'fffffffffffffffb013ff8000000000000000200ff000668c3a96c6c6fc8fde8ee6b2800fffffffffffffffffffffff9000102030405060708090a0b0c0d0e0f10111213010a0102031f9a03000100000000000000feffffffffffffff0300000000000000020001000100000000000000d03f00090000000000000009000200090000000000000001010009000000000000000200',
  fixed: '00054d495845440000000000000003',
} as const;

// Two custom messages sent by a py-ipv8 3.2 community (id ASCII `peerway-chat-live-01`) during the
// live exchange with examples/overlay-chat.ts, signed by test key 1 (`LibNaCLSK:` + 01*32 + 11*32):
// Chat(text='py-1 ✓', n=1, tags=[1, -1, 2**40]) and Ack(n=0, ok=True, echo=b'ts-0 ✓').
export const PY_IPV8_CHAT = {
  privateKey: '4c69624e61434c534b3a' + '01'.repeat(32) + '11'.repeat(32),
  chat1:
    '0002706565727761792d636861742d6c6976652d303101004a4c69624e61434c504b3aa4e09292b651c278b9772c569f5fa9bb13d906b46ab68c9df9dc2b4409f8a209d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737000870792d3120e29c93000000000000000103000100000000000000ffffffffffffffff0000000000010000678ac0ca72175d684be492ba62def3e985d19a896b28179716e5c8381c0aa5ea51b061f06a3080fc2c930d0d55f8b573a337aca9459340cbb3590dc28daf6a0e',
  ack0: '0002706565727761792d636861742d6c6976652d303102004a4c69624e61434c504b3aa4e09292b651c278b9772c569f5fa9bb13d906b46ab68c9df9dc2b4409f8a209d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737000000000000000001000874732d3020e29c93f04f6d3bb4f7c094fe0b52380011a1c427e2b0c5b9e7943b771433c672d47a0e5a09b4e1911ae03c6de54ebfffc8aa1c0bca3260a7ce6ce793d559bfe18f5704',
} as const;
