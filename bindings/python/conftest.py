# Makes `import packr` work when pytest runs from bindings/python without installing it.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
