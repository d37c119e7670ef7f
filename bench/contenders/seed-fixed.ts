// Contender 2b: the seed's interceptor with its three obvious fixes (seed-fixed-port.ts), wired the same way.
import { createFixedSeedServices } from './seed-fixed-port.ts'
import { seedContender } from './seed.ts'

export const seedFixed = seedContender('seed-fixed', 'seed interceptor + 3 fixes', createFixedSeedServices as never)
