/** The standalone HTML report; its sections live in templates/html/ (one file each). */
export { renderHtmlReport, type HtmlReportModel } from './html/page.js';
export { contentSecurityPolicy } from './html/style.js';
export { statusBadge } from './html/status.js';
