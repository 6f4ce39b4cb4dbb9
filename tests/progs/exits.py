# sys.exit ends the program, not the shell.
from pykdump.API import *
import sys
print("before exit", sys.argv[1:])
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
print("not reached")
