import sys

early = None
if sys.argv[1:2] == ["report"] and not {"--no-charts", "-h", "--help"} & set(sys.argv[2:]):
    # the chart browser takes seconds to start: begin before pandas and the rest are imported
    from framework.images import start_early

    early = start_early()

try:
    from framework.cli import main

    code = main()
finally:
    if early is not None:
        early.stop_unless_taken()
sys.exit(code)
