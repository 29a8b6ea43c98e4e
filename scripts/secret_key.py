"""Give this installation its own SECRET_KEY in `.env` (run by `make run` before anything else).

python scripts/secret_key.py   # writes one if neither the environment nor .env has a usable key
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.env import ensure_secret_key  # noqa: E402

if __name__ == "__main__":
    if ensure_secret_key(ROOT / ".env"):
        print("A secret key for this installation was written to .env.")
