"""Live-check driver (peerway): runs the JoinMarket reference implementation's message channel code
(jmdaemon OnionMessageChannel + MessageChannelCollection + OrderbookWatch) in its plain-TCP testing
mode as a directory, an orderbook-watching client, or a maker.

Usage: PYTHONPATH=<reference checkout>/src python3 live-check-joinmarket.py MODE [options]
(scripts/live-check-joinmarket.mjs runs it). Needs Twisted, txtorcon, libnacl and cryptography.

The reference's jmbitcoin needs python-bitcointx, which may be missing, so what the reference
client process would do over AMP (sign privmsgs, verify privmsg signatures and the nick hash, sign
a fidelity-bond proof) is done here by a stand-in written with the cryptography package. The
reference's logging needs chromalog; a minimal stand-in package is written to a temporary
directory and put on the path when the real one is absent.
"""
import os
import sys
import tempfile


def _chromalog_stand_in():
    try:
        import chromalog  # noqa: F401
        return
    except ImportError:
        pass
    root = tempfile.mkdtemp(prefix='chromalog-stand-in-')
    files = {
        'chromalog/__init__.py': '',
        'chromalog/log.py': (
            'import logging\n'
            'class ColorizingStreamHandler(logging.StreamHandler):\n'
            '    def __init__(self, *a, colorizer=None, **kw):\n'
            '        super().__init__(*a, **kw)\n'
            'class ColorizingFormatter(logging.Formatter):\n'
            '    pass\n'),
        'chromalog/colorizer.py': (
            'class GenericColorizer:\n'
            '    def __init__(self, *a, **kw): pass\n'
            '    def colorize_message(self, message, *a, **kw): return message\n'
            'class MonochromaticColorizer(GenericColorizer):\n'
            '    pass\n'),
        'chromalog/mark/__init__.py': '',
        'chromalog/mark/helpers/__init__.py': '',
        'chromalog/mark/helpers/simple.py': (
            'def _same(x): return x\n'
            'debug = info = important = success = warning = error = critical = _same\n'),
    }
    for name, text in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as f:
            f.write(text)
    sys.path.insert(0, root)


_chromalog_stand_in()
import argparse
import base64
import hashlib
import json
import struct
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.exceptions import InvalidSignature

import logging
from twisted.internet import reactor, task

import jmbase.support as jsupport
from jmdaemon import OnionMessageChannel, MessageChannelCollection, OrderbookWatch
from jmdaemon import onionmc

# ---------------------------------------------------------------- stand-in crypto
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'


def b58(b: bytes) -> str:
    n = int.from_bytes(b, 'big')
    out = ''
    while n > 0:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(b) - len(b.lstrip(b'\0'))
    return '1' * pad + out


def varint(n):
    if n < 253:
        return bytes([n])
    if n < 0x10000:
        return b'\xfd' + struct.pack('<H', n)
    return b'\xfe' + struct.pack('<I', n)


def msg_hash(msg: bytes) -> bytes:
    data = b'\x18Bitcoin Signed Message:\n' + varint(len(msg)) + msg
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def pub_bytes(priv) -> bytes:
    return priv.public_key().public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.CompressedPoint)


def sign_der(priv, msg: bytes) -> bytes:
    der = priv.sign(msg_hash(msg), ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    r, s = utils.decode_dss_signature(der)
    if s > N // 2:
        s = N - s
    return utils.encode_dss_signature(r, s)


def sign_b64(priv, msg: bytes) -> str:
    return base64.b64encode(sign_der(priv, msg)).decode('ascii')


def verify(pubhex: str, msg: bytes, sig_der: bytes) -> bool:
    try:
        pub = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256K1(), bytes.fromhex(pubhex))
        pub.verify(sig_der, msg_hash(msg), ec.ECDSA(utils.Prehashed(hashes.SHA256())))
        return True
    except (InvalidSignature, ValueError):
        return False


def nick_of(pubhex: str) -> str:
    h = b58(hashlib.sha256(pubhex.encode('ascii')).digest()[:10])
    return 'J5' + h + 'O' * (14 - len(h))


def new_key():
    return ec.generate_private_key(ec.SECP256K1())


log = jsupport.get_log()


def check_bond(maker_nick, taker_nick, proof_b64):
    """Stand-in for FidelityBondProof.parse_and_verify_proof_msg (same checks, our crypto)."""
    try:
        raw = base64.b64decode(proof_b64, validate=True)
    except Exception:
        return 'decode error'
    if len(raw) != 252:
        return 'invalid length'
    nsig, csig, cpub, exp, upub, txid, vout, lock = struct.unpack('<72s72s33sH33s32sII', raw)
    try:
        nsig = nsig[nsig.index(b'\x30'):]
        csig = csig[csig.index(b'\x30'):]
    except ValueError:
        return 'der header not found'
    if not verify(cpub.hex(), (taker_nick + '|' + maker_nick).encode('ascii'), nsig):
        return 'nick sig does not verify'
    m1 = b'fidelity-bond-cert|' + cpub + b'|' + str(exp).encode()
    m2 = b'fidelity-bond-cert|' + cpub.hex().encode() + b'|' + str(exp).encode()
    if not (verify(upub.hex(), m1, csig) or verify(upub.hex(), m2, csig)):
        return 'cert sig does not verify'
    return 'ok expiry=%d utxo=%s:%d locktime=%d' % (exp, txid.hex(), vout, lock)


class StandInDaemon(OrderbookWatch):
    """Plays the daemon + client roles around a MessageChannelCollection."""

    def __init__(self, mcc, priv, mode, offers, bond):
        self.mcc = mcc
        self.priv = priv
        self.pubhex = pub_bytes(priv).hex()
        self.nick = nick_of(self.pubhex)
        self.mode = mode
        self.offers = offers
        self.bond = bond
        self.dust_threshold = 27300
        self.verified = 0
        self.bad = None
        self.active_orders = {}
        self.rejected = 0

    # daemon -> client: sign this
    def request_signed_message(self, nick, cmd, msg, msg_to_be_signed, hostid):
        # The real daemon asks the client process over AMP and sends when the answer comes
        # back, i.e. on a later reactor turn (after receive_msg has recorded which directory
        # the requester was seen on). Keep that asynchrony: answering synchronously makes the
        # reference drop the privmsg with "no directory peer is connected".
        if self.bad == 'foreign-key':
            # a valid signature by a key whose hash is not our nick
            other = new_key()
            sig, pubhex = sign_b64(other, str(msg_to_be_signed).encode('ascii')), pub_bytes(other).hex()
        elif self.bad == 'wrong-hostid':
            sig, pubhex = sign_b64(self.priv, (str(msg) + 'irc.example').encode('ascii')), self.pubhex
        else:
            sig, pubhex = sign_b64(self.priv, str(msg_to_be_signed).encode('ascii')), self.pubhex
        reactor.callLater(0, self.mcc.privmsg, nick, cmd, str(msg) + ' ' + pubhex + ' ' + sig, mc=hostid)

    # daemon -> client: verify this (as client_protocol.on_JM_REQUEST_MSGSIG_VERIFY does)
    def request_signature_verify(self, msg, fullmsg, sig, pubkey, nick, hashlen, max_encoded, hostid):
        try:
            der = base64.b64decode(sig)
        except Exception:
            der = b''
        ok = verify(pubkey, msg.encode('ascii'), der) or verify(
            pubkey, (msg[:-len(hostid)] + hostid.lower()).encode('ascii'), der)
        nick_ok = nick_of(pubkey)[2:].rstrip('O') == ''.join(x for x in nick[2:2 + max_encoded] if x != 'O')
        log.info('LIVECHECK verify privmsg from %s: sig=%s nickhash=%s' % (nick, ok, nick_ok))
        if ok and nick_ok:
            self.verified += 1
            reactor.callLater(0, self.mcc.on_verified_privmsg, nick, fullmsg, hostid)
        else:
            self.rejected += 1

    def get_crypto_box_from_nick(self, nick):
        order = self.active_orders.get(nick)
        return None if order is None else order['box']

    # maker side of !fill / !auth, as the reference daemon's on_order_fill does (real libnacl)
    def on_order_fill(self, nick, oid, amount, taker_pk, commit):
        from jmdaemon import init_keypair, init_pubkey, as_init_encryption
        log.info('LIVECHECK maker: !fill from %s oid=%s amount=%s taker_pk=%s commit=%s' % (nick, oid, amount, taker_pk, commit))
        kp = init_keypair()
        box = as_init_encryption(kp, init_pubkey(taker_pk))
        self.active_orders[nick] = {'box': box, 'kp': kp}
        reactor.callLater(0, self.mcc.prepare_privmsg, nick, 'pubkey', kp.hex_pk().decode('ascii'))

    def on_seen_auth(self, nick, revelation):
        log.info('LIVECHECK maker: decrypted !auth from %s: %s' % (nick, revelation))
        reactor.callLater(0, self.mcc.prepare_privmsg, nick, 'error', 'live check ends here')

    # maker side
    def on_orderbook_requested(self, nick, mc=None):
        log.info('LIVECHECK maker: !orderbook from %s, answering by privmsg' % nick)
        proof = self.bond_proof(nick) if self.bond else None
        self.mcc.announce_orders(self.offers, nick, proof, mc)

    def bond_proof(self, taker_nick):
        cert_priv, utxo_priv, txid, vout, locktime, expiry = self.bond
        cert_pub = pub_bytes(cert_priv)
        cert_sig = sign_der(utxo_priv, b'fidelity-bond-cert|' + cert_pub + b'|' + str(expiry).encode())
        if self.bad == 'bond-cert':
            cert_sig = sign_der(utxo_priv, b'fidelity-bond-cert|' + cert_pub + b'|' + str(expiry + 1).encode())
        nick_sig = sign_der(cert_priv, (taker_nick + '|' + self.nick).encode('ascii'))
        data = struct.pack('<72s72s33sH33s32sII', nick_sig.rjust(72, b'\xff'), cert_sig.rjust(72, b'\xff'),
                           cert_pub, expiry, pub_bytes(utxo_priv), txid, vout, locktime)
        return base64.b64encode(data).decode('ascii')

    def on_welcome(self):
        log.info('LIVECHECK on_welcome (mode %s)' % self.mode)
        if self.mode == 'client':
            self.mcc.request_orderbook()
        elif self.mode == 'maker':
            self.mcc.announce_orders(self.offers, None, None, None)

    def dump(self):
        rows = self.db.execute('SELECT * FROM orderbook ORDER BY counterparty, oid;').fetchall()
        bonds = self.db.execute('SELECT * FROM fidelitybonds;').fetchall()
        print('ORDERBOOK ' + json.dumps({'offers': rows, 'fidelitybonds': bonds}), flush=True)
        for b in bonds:
            print('BONDCHECK %s %s' % (b['counterparty'], check_bond(b['counterparty'], b['takernick'], b['proof'])), flush=True)
        return rows, bonds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['directory', 'client', 'maker'])
    ap.add_argument('--port', type=int, default=0)
    ap.add_argument('--dirs', default='')
    ap.add_argument('--network', default='signet')
    ap.add_argument('--offers', default='')
    ap.add_argument('--bond', action='store_true')
    ap.add_argument('--bad', choices=['foreign-key', 'wrong-hostid', 'bond-cert'])
    ap.add_argument('--wait', type=float, default=20)
    ap.add_argument('--expect', type=int, default=0, help='client: exit 0 once this many offers parsed')
    a = ap.parse_args()

    jsupport.set_logging_level(logging.DEBUG)
    priv = new_key()
    pubhex = pub_bytes(priv).hex()
    nick = nick_of(pubhex)
    serving = a.mode in ('directory', 'maker')
    dirs = a.dirs if a.mode != 'directory' else '127.0.0.1:%d' % a.port
    cfg = {
        'btcnet': a.network, 'tor_control_host': '127.0.0.1', 'tor_control_port': 1,
        'onion_serving_host': '127.0.0.1', 'serving': serving,
        'onion_serving_port': a.port, 'hidden_service_dir': '',
        'socks5_host': '127.0.0.1', 'socks5_port': 1,
        'directory_nodes': dirs, 'regtest_count': '1,1',
    }
    if a.mode == 'directory':
        onionmc.server_handshake_json['motd'] = 'reference DN for peerway live check'
    mc = OnionMessageChannel(cfg)
    mcc = MessageChannelCollection([mc])
    offers = []
    for i, line in enumerate([x for x in a.offers.split(';') if x]):
        t, oid, mn, mx, txf, fee = line.split()
        offers.append({'ordertype': t, 'oid': int(oid), 'minsize': int(mn), 'maxsize': int(mx),
                       'txfee': int(txf), 'cjfee': fee})
    bond = None
    if a.bond:
        bond = (new_key(), new_key(), os.urandom(32), 0, 1_800_000_000, 52)
    d = StandInDaemon(mcc, priv, a.mode, offers, bond)
    d.bad = a.bad
    mcc.set_daemon(d)
    d.set_msgchan(mcc)
    if a.mode == 'maker':
        mcc.register_maker_callbacks(on_orderbook_requested=d.on_orderbook_requested,
                                     on_order_fill=d.on_order_fill, on_seen_auth=d.on_seen_auth)
    mcc.set_nick(nick)
    log.info('LIVECHECK nick %s pub %s mode %s' % (nick, pubhex, a.mode))
    mcc.run()

    if a.mode == 'client':
        start = time.time()

        def poll():
            rows, bonds = d.dump()
            if (a.expect and len(rows) >= a.expect) or time.time() - start > a.wait:
                log.info('LIVECHECK verified=%d rejected=%d' % (d.verified, d.rejected))
                code = 0 if (not a.expect or len(rows) >= a.expect) else 3
                reactor.callLater(0, reactor.stop)
                sys.exitcode = code
        task.LoopingCall(poll).start(2.0, now=False)
    reactor.run()
    sys.exit(getattr(sys, 'exitcode', 0))


if __name__ == '__main__':
    main()
