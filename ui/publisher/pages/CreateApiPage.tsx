/** Create an API from scratch: name, context, version, endpoints and tiers (POST /apis). */
import { useState } from 'react';
import { useLocation } from 'wouter';
import type { Api } from '../../../src/publisher/apis/api-schemas';
import { useApi } from '../../shared/portal-context';
import { API_FIELDS } from '../components/api-validation';
import { apiFieldsOf, useNewApiForm, type NewApiValues } from '../components/NewApiFields';
import { NewApiForm } from '../components/NewApiForm';
import { notifySuccess } from '../components/notify';
import { placeServerError } from '../components/server-error';
import { PUBLISHER } from '../rest';

export function CreateApiPage() {
  const api = useApi();
  const [, navigate] = useLocation();
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const form = useNewApiForm(false);

  const submit = async (values: NewApiValues) => {
    setSaving(true);
    setError(undefined);
    try {
      const created = await api<Api>('POST', `${PUBLISHER}/apis`, { body: apiFieldsOf(values) });
      notifySuccess(`${created.name} ${created.version} was created.`);
      navigate(`/apis/${created.id}`);
    } catch (err) {
      setError(placeServerError(err, form.setFieldError, API_FIELDS));
    } finally {
      setSaving(false);
    }
  };

  return (
    <NewApiForm
      title="Create an API"
      submitLabel="Create API"
      form={form}
      fromFile={false}
      onSubmit={form.onSubmit(submit)}
      saving={saving}
      error={error}
    />
  );
}
