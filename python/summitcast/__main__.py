"""Command line: ``summitcast`` (or ``python -m summitcast``).

Runs the main job on the bundled public-record data: the incident outlook
(North Korean missile launches) and the posterior probability of a
China-Japan-ROK leaders' summit within the coming months (see
``summitcast.mainjob``).
"""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else list(argv))[:1] == ["backtest"]:
        from .evaluate.cli import main as backtest_main

        return backtest_main(argv)
    parser = argparse.ArgumentParser(prog="summitcast", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240526, help="seed for sampling and simulation")
    parser.add_argument("--draws", type=int, default=1000, help="posterior draws per chain (and as many tuning steps)")
    parser.add_argument("--chains", type=int, default=4, help="NUTS chains")
    parser.add_argument("--horizon", type=int, default=12, help="months ahead for the summit probability")
    parser.add_argument("--paths", type=int, default=20000, help="simulated paths for the incident forecast")
    args = parser.parse_args(argv)

    from .mainjob import report, run

    result = run(seed=args.seed, draws=args.draws, chains=args.chains, horizon=args.horizon, paths=args.paths)
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
