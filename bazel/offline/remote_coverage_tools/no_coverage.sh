#!/bin/sh
echo "coverage is not available with --config=offline" >&2
exit 1
