from services.common.migrations_env import run
from services.delegation.models import Base

run(Base.metadata)
