import type { Api } from '../../../../src/publisher/apis/api-schemas';

/** What every tab of the API page gets: the API as last loaded or saved, and how to tell the page of a change. */
export interface ApiTabProps {
  api: Api;
  onChange: (api: Api) => void;
}
