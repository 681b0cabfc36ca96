"""
Comparison server for bench/overlay.bench.ts: one py-ipv8 community on 127.0.0.1 with no peer
limit, no walk and no bootstrap, so that it only answers introduction requests (and sends the
puncture requests that go with the answers). Run from a py-ipv8 3.2 checkout (PYTHONPATH) with
Debian's python3 (libnacl, cryptography). Never touches anything but loopback.

Usage: python3 bench/pyipv8-server.py <community id hex>
Prints "port <n>" once listening; then each line "count" on stdin is answered with
"answers <n> punctures <n>" (introduction responses built, puncture requests built so far).
"""

import asyncio
import sys

import ipv8.messaging.interfaces.endpoint as endpoint_module
import ipv8.messaging.interfaces.lan_addresses.interfaces as lan_interfaces
import ipv8.overlay as overlay_module
from ipv8.community import Community, CommunitySettings
from ipv8.keyvault.crypto import default_eccrypto
from ipv8.messaging.interfaces.udp.endpoint import UDPEndpoint
from ipv8.peer import Peer
from ipv8.peerdiscovery.network import Network

# No interface probing or name lookups: the advertised LAN address is loopback.
overlay_module.get_providers = lambda: []
lan_interfaces.get_providers = lambda: []
endpoint_module.get_lan_addresses = lambda: ["127.0.0.1"]


class BenchCommunity(Community):
    community_id = bytes.fromhex(sys.argv[1])
    answers = 0
    punctures = 0

    def create_introduction_response(self, *args, **kwargs):
        BenchCommunity.answers += 1
        return super().create_introduction_response(*args, **kwargs)

    def create_puncture_request(self, *args, **kwargs):
        BenchCommunity.punctures += 1
        return super().create_puncture_request(*args, **kwargs)


async def main() -> None:
    endpoint = UDPEndpoint(port=0, ip="127.0.0.1")
    await endpoint.open()
    settings = CommunitySettings(
        my_peer=Peer(default_eccrypto.generate_key("curve25519")),
        endpoint=endpoint,
        network=Network(),
        max_peers=-1,
    )
    community = BenchCommunity(settings)
    print(f"port {endpoint.get_address()[1]}", flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while True:
        line = await reader.readline()
        if not line:
            break
        if line.strip() == b"count":
            print(f"answers {BenchCommunity.answers} punctures {BenchCommunity.punctures}", flush=True)
    await community.unload()
    endpoint.close()


if __name__ == "__main__":
    asyncio.run(main())
