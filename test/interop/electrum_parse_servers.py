# Feeds a server.peers.subscribe result (JSON on stdin) to the Electrum client's own parser and
# prints what Electrum would keep: parse_servers, then filter_version. argv[1]: mainnet|regtest.
import json
import sys

from electrum import constants
from electrum.network import filter_version, parse_servers

if len(sys.argv) > 1 and sys.argv[1] == "regtest":
    constants.set_regtest()
parsed = parse_servers(json.load(sys.stdin))
print(json.dumps({"parsed": parsed, "kept": filter_version(parsed)}, sort_keys=True))
