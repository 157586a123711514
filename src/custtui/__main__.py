import sys

from custtui.cli import main

sys.exit(main())
