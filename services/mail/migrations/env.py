from services.common.migrations_env import run
from services.mail.models import Base

run(Base.metadata)
