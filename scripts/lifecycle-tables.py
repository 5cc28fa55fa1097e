#!/usr/bin/env python3
"""Rewrites the README's "Changing a deployed stack" tables from the lifecycle harness's output.

    LIFECYCLE_PAIRS=1 npx jest test/lifecycle 2>&1 | python3 scripts/lifecycle-tables.py

The tests print `README table #### <Construct> should be:` and the table whenever the README
disagrees with what the harness found; this puts each printed table under its heading.
"""
import re
import sys

text = sys.stdin.read()
readme_path = 'README.md'
readme = open(readme_path).read()
for match in re.finditer(r'README table (#### [^\n]+) should be:\n((?:\s*\|[^\n]*\n)+)', text):
    heading, table = match.group(1).strip(), '\n'.join(line.strip() for line in match.group(2).strip().split('\n'))
    start = readme.index('\n' + heading + '\n') + len(heading) + 2
    rest = readme[start:]
    body = re.match(r'\s*(?:TABLE-[A-Z]+|(?:\|[^\n]*\n?)+)', rest)
    readme = readme[:start] + '\n' + table + '\n\n' + rest[body.end():].lstrip('\n')
    print(f'rewrote {heading}')
open(readme_path, 'w').write(readme)
