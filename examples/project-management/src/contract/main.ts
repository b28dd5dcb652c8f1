import { main } from '../platform.js';
import { contractService } from './service.js';

await main(contractService);
