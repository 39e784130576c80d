"""How the schema describes the API's authentication (drf-spectacular extension)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SystemKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SystemKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "请求头 Authorization: Api-Key <密钥>，密钥由管理员在后台为每个对接系统创建。 "
                "Send Authorization: Api-Key <key>; keys are created per system in the admin."
            ),
        }
