"""The error a service raises when input breaks a business rule: a French message, optionally for a field."""


class ServiceError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
