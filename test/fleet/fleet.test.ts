// Issue 18's "tests with the real engines" for Redis: fleets of real Node processes (worker.ts), each with its own
// Redis client, redisCoordinator, controller and HTTP client, against a real redis-server and a loopback token + API
// server. One file, so that the fleets run one after another: each spawns up to 8 processes, and two fleets at once
// on 2 cores slow each other down past the timings the scenarios measure.
import { afterAll, describe } from 'vitest'
import { disposeBundle } from './fleet.ts'
import { oneCallScenarios } from './one-call.scenarios.ts'
import { quotaScenarios } from './quota.scenarios.ts'
import { stallOutageScenarios } from './stall-outage.scenarios.ts'

afterAll(disposeBundle)

describe('one upstream call for the fleet (scenarios 1-3, each with ioredis and node-redis)', oneCallScenarios)
describe('a stalled holder and a Redis outage (scenarios 4-5)', stallOutageScenarios)
describe('a daily token quota (scenario 6)', quotaScenarios)
