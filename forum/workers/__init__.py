"""Where translation jobs run: never inside the web process's interpreter.

A regular expression or an engine call holds the GIL; a job run on a thread of the web
process would stop every request of that process for as long as it runs. So jobs run in a
separate process, the *horse* (horse.py), watched by a *supervisor* (supervisor.py) that
gives every job a wall-clock limit: a horse that overruns is killed, its job is retried
or failed like any other error, and a fresh horse takes over.

- Embedded (the default without REDIS_URL): the web process starts a supervisor thread and
  its horse on the first request and stops them at exit; nothing extra to start. Wake-ups
  travel over a local datagram socket (wakeup.py), so any process (another web worker, a
  command) can wake the horse. One horse per database is active (a lock file); others stand by.
- RQ (REDIS_URL): `flask translation worker` is the supervisor; its horse runs an RQ worker.
"""
