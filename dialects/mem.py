from xdsl.ir import Dialect
Mem = Dialect("mem", [], [])
