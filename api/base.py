"""What every endpoint of the API shares: a query parameter it does not take is refused (a
misspelt ``sinse=`` must not silently read from the start), and so is one given twice."""

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.views import APIView


class ApiView(APIView):
    #: the query parameters the endpoint reads
    query_parameters: frozenset[str] = frozenset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # the key, the permission, the throttle
        unknown = sorted(set(request.query_params) - self.query_parameters)
        if unknown:
            raise serializers.ValidationError(
                {
                    name[:40]: [_("This endpoint takes no such query parameter.")]
                    for name in unknown[:10]
                }
            )
        repeated = sorted(name for name, values in request.query_params.lists() if len(values) > 1)
        if repeated:
            raise serializers.ValidationError(
                {name: [_("Give this query parameter once.")] for name in repeated}
            )
