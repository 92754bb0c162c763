"""An inbound text becomes a compliance action, a command, a new request or added detail.

`inbound` is the job's entry point; `compliance` (STOP, START, HELP) comes before anything
else; `router` sends each (role, verb) to a desk: `neighbour_desk`, `volunteer_desk`, and
`dispatcher_desk` (the SMS face of `hotline.desk`, which the dashboard uses too). `opening`
is the one way a request is opened, for texts and calls alike.
"""
