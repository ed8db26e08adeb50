"""Loads each file named on the command line with torch.load(weights_only=True) and prints, one
line per file, ACCEPT<TAB>path or REFUSE<TAB>path<TAB>message. Run by TorchAgreementTest when
python3-torch is installed. weights_only=True is always passed: the files may be hostile."""
import sys

import torch

for path in sys.argv[1:]:
    try:
        torch.load(path, map_location="cpu", weights_only=True)
        print("ACCEPT\t" + path)
    except BaseException as e:  # noqa: BLE001 - every refusal is an answer
        message = " ".join(str(e).split())
        print("REFUSE\t" + path + "\t" + type(e).__name__ + ": " + message)
    sys.stdout.flush()
