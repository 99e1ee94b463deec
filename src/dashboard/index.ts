export { runFigures, type ApiUse, type OrgObjectDay, type RunFacts, type RunFigures } from './figures.js';
