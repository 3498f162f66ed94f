"""``python -m bkash_sdk.cli``: the same as the ``bkash-sdk`` command."""

import sys

from . import main

sys.exit(main())
