/**
 * The demo network: real peers on loopback for a node to show on its dashboard (`npm start`).
 *
 * @module
 */
export {
  createDemoService,
  DEMO_COMMUNITY_ID,
  DEFAULT_DEMO_SIZES,
  type DemoInit,
  type DemoSizes,
} from './demo-network.js';
