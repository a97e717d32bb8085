"""The floor a vCenter read can cost: start Python, import pyVmomi, log in, one property-collector read, log out.

Not a benchmark (bench/all.py skips files starting with "_"): the benchmarks run it as a child process, next to
the command they measure.

    python bench/_floor.py HOST PORT USER PASSWORD THUMBPRINT [TYPE=path,path ...]

Reads every object of each TYPE (a vim type name, e.g. ``VirtualMachine=name``) under the root folder through
one container view, in one RetrievePropertiesEx per page, and prints how many objects it read.
"""

import ssl
import sys

from pyVmomi import SoapStubAdapter, vim, vmodl


def main(argv: list[str]) -> int:
    host, port, user, password, thumbprint, *wanted = argv
    props = {}
    for item in wanted or ["VirtualMachine=name"]:
        kind, _, paths = item.partition("=")
        props[getattr(vim, kind)] = paths.split(",")
    stub = SoapStubAdapter(host=host, port=int(port), version="vim.version.v7_0",
                           sslContext=ssl._create_unverified_context(), thumbprint=thumbprint.replace(":", ""))
    content = vim.ServiceInstance("ServiceInstance", stub).RetrieveContent()
    content.sessionManager.Login(userName=user, password=password)
    pc = vmodl.query.PropertyCollector
    view = content.viewManager.CreateContainerView(content.rootFolder, list(props), True)
    spec = pc.FilterSpec(
        objectSet=[pc.ObjectSpec(obj=view, skip=True, selectSet=[
            pc.TraversalSpec(name="view", path="view", skip=False, type=vim.view.ContainerView)])],
        propSet=[pc.PropertySpec(type=t, pathSet=p, all=False) for t, p in props.items()])
    result = content.propertyCollector.RetrievePropertiesEx([spec], pc.RetrieveOptions(maxObjects=5000))
    count = len(result.objects)
    while result.token:
        result = content.propertyCollector.ContinueRetrievePropertiesEx(result.token)
        count += len(result.objects)
    content.sessionManager.Logout()
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
