from __future__ import annotations
__all__ = ["ScenarioResult"]
class ScenarioResult:  # placeholder until scenarios land
    pass
