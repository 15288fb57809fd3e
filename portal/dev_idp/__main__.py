"""python -m portal.dev_idp: start the fake NemLog-in (see nemlogin.main)."""
from .nemlogin import main

main()
