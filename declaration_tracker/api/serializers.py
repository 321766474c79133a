from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """Refuse fields the client may not write, naming them, instead of silently dropping them.

    `refused_fields` maps a field name to the message that says where to change it instead.
    """

    refused_fields: dict[str, str] = {}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": ["Send a JSON object with the fields to set."]}
            )
        writable = {name for name, field in self.fields.items() if not field.read_only}
        extra = sorted(set(data) - writable)
        if extra:
            read_only = set(self.fields) - writable
            raise serializers.ValidationError(
                {
                    name: [
                        self.refused_fields.get(name)
                        or (
                            "This field is read-only here."
                            if name in read_only
                            else "Unknown field."
                        )
                    ]
                    for name in extra
                }
            )
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status code.")
    code = serializers.CharField(help_text="A machine-readable code, e.g. `invalid`.")
    message = serializers.CharField(help_text="What went wrong, in words.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: the messages for each field that was refused.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()
