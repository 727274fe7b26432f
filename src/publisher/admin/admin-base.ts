/** Where the Admin REST API lives (WSO2 API-M 4.x admin v4). */
export const ADMIN_BASE = '/api/am/admin/v4';
