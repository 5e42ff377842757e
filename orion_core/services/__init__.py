"""Business logic of the module framework; views, tasks and commands call these."""

from orion_core.services.modules import ModuleService, get_platform, platforms
from orion_core.services.plans import Action, ModulePlan, PlanStep

__all__ = ["Action", "ModulePlan", "ModuleService", "PlanStep", "get_platform", "platforms"]
