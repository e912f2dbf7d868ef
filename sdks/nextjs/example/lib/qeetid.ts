// The app's Qeet ID integration. With no options it reads QEETID_* from the
// environment; this example adds a server-side session store when asked, which
// back-channel logout needs (use redisStore when the app runs on several processes).

import { createQeetId } from '@qeetid/nextjs';
import { memoryStore } from '@qeetid/nextjs/stores';

export const qeetid = createQeetId({
  store: process.env.EXAMPLE_SESSION_STORE === 'memory' ? memoryStore() : undefined,
});
