from bench.holdwatch_bench.cli import main

raise SystemExit(main())
