/** Saves the API WSO2's way: PUT /apis/{id} with the whole API, changed fields and all. */
import { useState } from 'react';
import type { Api } from '../../../../src/publisher/apis/api-schemas';
import { useApi } from '../../../shared/portal-context';
import { apiPath } from '../../rest';
import { notifySuccess } from '../notify';
import type { ApiTabProps } from './tab-props';

/** The fields the server writes itself; they are not sent back. */
function editable({
  provider: _p,
  lifeCycleStatus: _l,
  createdTime: _c,
  lastUpdatedTime: _u,
  ...api
}: Api): Api {
  return api;
}

export function useSaveApi({ api, onChange }: ApiTabProps) {
  const call = useApi();
  const [saving, setSaving] = useState(false);
  /** Throws the server's error for the form to place; notifies and updates the page on success. */
  const save = async (changes: Partial<Api>, what: string): Promise<Api> => {
    setSaving(true);
    try {
      const id = api.id ?? '';
      const saved = await call<Api>('PUT', apiPath(id), { body: editable({ ...api, ...changes }) });
      notifySuccess(`${what} saved.`);
      onChange(saved);
      return saved;
    } finally {
      setSaving(false);
    }
  };
  return { save, saving };
}
