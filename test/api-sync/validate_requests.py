"""Validate AWS API requests against botocore's service models (`ssm` unless a request names another).

Reads a JSON list of {"operation": "CreateResourceDataSync", "params": {...}} (optionally with
"service": "s3") from the file named by argv[1]; prints one JSON object: botocore's version and,
per request, the problems found.
botocore's ParamValidator checks required members, types and minimums; it leaves maximums,
patterns and enums to the service, so those are checked here from the same model.
"""
import json
import re
import sys

import botocore
import botocore.session
from botocore.validate import ParamValidator


def model_limits(value, shape, where, problems):
    """Maximums, patterns and enums of the model, which ParamValidator does not check."""
    if shape.type_name == 'structure' and isinstance(value, dict):
        for name, member in value.items():
            if name in shape.members:
                model_limits(member, shape.members[name], f'{where}.{name}', problems)
    elif shape.type_name == 'list' and isinstance(value, list):
        maximum = shape.metadata.get('max')
        if maximum is not None and len(value) > maximum:
            problems.append(f'{where}: {len(value)} items, more than {maximum}')
        for i, item in enumerate(value):
            model_limits(item, shape.member, f'{where}[{i}]', problems)
    elif shape.type_name == 'integer' and isinstance(value, int):
        maximum = shape.metadata.get('max')
        if maximum is not None and value > maximum:
            problems.append(f'{where}: {value}, more than {maximum}')
    elif shape.type_name == 'string' and isinstance(value, str):
        maximum = shape.metadata.get('max')
        if maximum is not None and len(value) > maximum:
            problems.append(f'{where}: {len(value)} characters, more than {maximum}')
        pattern = shape.metadata.get('pattern')
        if pattern and not re.search(pattern, value):
            problems.append(f'{where}: {value!r} does not match {pattern}')
        if shape.enum and value not in shape.enum:
            problems.append(f'{where}: {value!r} is not one of {shape.enum}')


def main():
    session = botocore.session.get_session()
    models = {}
    model = session.get_service_model('ssm')
    with open(sys.argv[1], encoding='utf-8') as f:
        requests = json.load(f)
    results = []
    for request in requests:
        service = request.get('service', 'ssm')
        if service not in models:
            models[service] = session.get_service_model(service)
        operation = models[service].operation_model(request['operation'])
        report = ParamValidator().validate(request['params'], operation.input_shape)
        problems = [report.generate_report()] if report.has_errors() else []
        model_limits(request['params'], operation.input_shape, request['operation'], problems)
        results.append({'operation': request['operation'], 'problems': problems})
    print(json.dumps({'botocore': botocore.__version__, 'apiVersion': model.api_version, 'results': results}))


if __name__ == '__main__':
    main()
