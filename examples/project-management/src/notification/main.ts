import { main } from '../platform.js';
import { notificationService } from './service.js';

await main(notificationService);
