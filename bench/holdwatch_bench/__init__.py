"""holdwatch's benchmarks, one module per measurement (`stream`: the live monitor's parts
(a)-(h) and (p); `audit`: the offline audit), with the workload generator, Redis helpers
and summaries they share. Each times holdwatch against a baseline measured in the same
run and reports the ratio: on a shared machine the ratios are the steadier figures.
Nothing is asserted: a benchmark is not a test."""
