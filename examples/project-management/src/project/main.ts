import { main } from '../platform.js';
import { projectService } from './service.js';

const example = JSON.stringify({
  name: 'Website relaunch',
  ownerId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
  stakeholders: [
    { email: 'ada@example.com', role: 'SPONSOR' },
    { email: 'bob@example.com', role: 'CLIENT' },
  ],
});

await main(projectService, (url) => `create a project: curl -s ${url}/projects -H 'content-type: application/json' -d '${example}'\nthen: curl -s ${url}/stats, and /stats of contract-service and notification-service`);
