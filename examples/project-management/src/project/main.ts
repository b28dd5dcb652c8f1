import { main } from '../platform.js';
import { projectService } from './service.js';

await main(projectService);
